// Every secret value the test suite uses. The global teardown fails the run if any of them shows up
// in a log line written during the suite, so use these constants wherever a test needs a secret.
export const TEST_SECRETS = {
  vastKey: 'vast-test-key-3f9a1c7e5b2d4e6f',
  runpodKey: 'rpa_TESTKEY9Q8W7E6R5T4Y3U2I1O0P',
  lambdaKey: 'secret_lambda-test_5e1f0c9a2b8d4c7e',
  tensordockToken: 'td-test-token-7c2e9f1a4b6d8e0c',
  telegramToken: '123456789:AAETestTokenForComputeHubSuite_abc',
  discordToken: 'MTIzNDU2Nzg5MDEy.TestDiscordToken.ComputeHubSuite0',
  slackBotToken: 'xoxb-test-0000000000-computehub-suite',
  slackSigningSecret: 'slack-signing-secret-test-8d7c6b5a',
  slackAppToken: 'xapp-test-1-computehub-suite-0000',
  masterKey: 'q1Jr6XU8bM0nJk8I7w0w2wYlq4r1m6m3YxQmQk0xk9E=',
  smtpPassword: 'smtp-test-password-4b3a2c1d',
  webhookSecret: 'webhook-test-secret-9e8d7c6b',
} as const;

export const ALL_TEST_SECRETS: string[] = Object.values(TEST_SECRETS);
