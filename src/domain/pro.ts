// What the Pro edition adds, as the licence command and a refused Pro command list it.
export const PRO_FEATURES = [
  'batch operations on many instances at once',
  'crash detection with auto-restart',
  'cost caps that stop instances',
  'IF-THEN automation rules',
  'events from watches, caps and rules posted to the chat they were set up in',
  'monitoring charts of GPU utilisation, VRAM, temperature and cost',
  'the money-leak check (stopped disks, interrupted interruptibles, idle GPUs, machines not made by ComputeHub)',
  'alerts to chat channels, email and signed webhooks, grouped, with mutes',
  'daily or weekly digests of cost, automation events and money leaks posted to a chat',
  'the ComfyUI, SD WebUI, Llama inference and VSCode Server templates',
];
