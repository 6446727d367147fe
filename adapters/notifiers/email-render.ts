// An alert as an email: subject, plain text and HTML (the chart inline, by content id). Pure.
import type { AlertPayload, AlertSummary } from '#domain/alerts/index.ts';

/** The content id the HTML's <img> names and the chart attachment carries. */
export const CHART_CID = 'chart@computehub';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export function renderAlertEmail(payload: AlertPayload, withChart: boolean): RenderedEmail {
  const state = payload.status === 'resolved' ? 'RESOLVED' : 'FIRING';
  const where = [payload.rule ? `rule ${payload.rule}` : undefined, payload.instance ? `instance ${payload.instance}` : undefined].filter(Boolean).join(', ');
  const firstLine = payload.message.split('\n')[0] ?? '';
  const count = payload.alerts.length > 1 ? ` (${payload.alerts.length} alerts)` : '';
  const subject = `[${state}] ${payload.severity}: ${payload.type}${where ? ` — ${where}` : ''}${count}: ${firstLine}`.slice(0, 200);
  const rows = payload.alerts.length ? payload.alerts : [payload];
  const text = [
    `${state} · ${payload.severity} · ${payload.type}${where ? ` · ${where}` : ''}`,
    '',
    ...rows.map(textLine),
    '',
    `Started ${payload.startsAt}${payload.endsAt ? `, resolved ${payload.endsAt}` : ''}.`,
    withChart ? 'The chart is attached.' : undefined,
  ]
    .filter((line) => line !== undefined)
    .join('\n');
  const colour = payload.status === 'resolved' ? '#2e7d32' : payload.severity === 'critical' ? '#c62828' : payload.severity === 'warning' ? '#ef6c00' : '#1565c0';
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<h2 style="color:${colour};margin:0 0 8px">${escapeHtml(`${state} · ${payload.severity} · ${payload.type}`)}</h2>`,
    where ? `<p style="margin:0 0 8px">${escapeHtml(where)}</p>` : '',
    '<ul>',
    ...rows.map((alert) => `<li>${escapeHtml(textLine(alert))}</li>`),
    '</ul>',
    `<p>Started ${escapeHtml(payload.startsAt)}${payload.endsAt ? `, resolved ${escapeHtml(payload.endsAt)}` : ''}.</p>`,
    withChart ? `<p><img src="cid:${CHART_CID}" alt="Chart for this alert" style="max-width:100%"></p>` : '',
    '</body></html>',
  ].join('');
  return { subject, text, html };
}

function textLine(alert: AlertSummary): string {
  const state = alert.status === 'resolved' ? 'resolved' : alert.severity;
  return `[${state}] ${alert.message}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}
