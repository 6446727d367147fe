// The one error of the rule language: every parse or check problem names the column (1-based, in
// the rule text after `rule add`) and can show the line with a caret under it.

export class RuleError extends Error {
  override readonly name = 'RuleError';

  constructor(
    /** What is wrong and what to write instead, without the column. */
    readonly problem: string,
    /** 1-based column in the rule text; one past the end for "the rule stops too early". */
    readonly column: number,
    readonly text: string,
  ) {
    super(`Column ${column}: ${problem}`);
  }

  /** The rule text, a caret under the column, then the message: what chat replies show in a code block. */
  display(): string {
    const line = this.text.replace(/[\t\r\n]/g, ' ');
    return `${line}\n${' '.repeat(Math.max(0, this.column - 1))}^\n${this.message}`;
  }
}
