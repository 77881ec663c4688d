import { type Command, anyLive, commandTone, newIdempotencyKey, toNewCommand } from './commands';

const draft = { name: 'reboot', parameters: '{"delay_s": 5}', ttl: '300', idempotencyKey: 'k-1' };

describe('commands', () => {
  it('builds the request from the form', () => {
    expect(toNewCommand(draft)).toEqual({ body: { name: 'reboot', parameters: { delay_s: 5 }, ttl_s: 300, idempotency_key: 'k-1' }, errors: null });
    expect(toNewCommand({ ...draft, parameters: ' ', idempotencyKey: '' }).body).toEqual({ name: 'reboot', parameters: {}, ttl_s: 300, idempotency_key: null });
  });

  it('names each wrong field', () => {
    const { errors } = toNewCommand({ name: 'Reboot!', parameters: '[1]', ttl: '0', idempotencyKey: 'x'.repeat(129) });
    expect(Object.keys(errors ?? {}).sort()).toEqual(['idempotencyKey', 'name', 'parameters', 'ttl']);
    expect(toNewCommand({ ...draft, parameters: '{' }).errors?.parameters).toMatch(/^Not valid JSON/);
    expect(toNewCommand({ ...draft, parameters: '{"a": {"$x": 1}}' }).errors?.parameters).toContain('“$x”');
    expect(toNewCommand({ ...draft, ttl: '604801' }).errors?.ttl).toContain('7 days');
    expect(toNewCommand({ ...draft, ttl: '1.5' }).errors?.ttl).toBeDefined();
  });

  it('keeps reading while a command may still change', () => {
    const of = (state: Command['state']) => ({ state }) as Command;
    expect(anyLive([of('SUCCEEDED'), of('EXPIRED')])).toBe(false);
    expect(anyLive([of('SUCCEEDED'), of('DELIVERED')])).toBe(true);
    expect(anyLive([])).toBe(false);
  });

  it('gives each state a tone', () => {
    expect(commandTone('SUCCEEDED')).toBe('ok');
    expect(commandTone('REJECTED')).toBe('danger');
    expect(commandTone('TIMED_OUT')).toBe('warn');
    expect(commandTone('SENT')).toBe('info');
  });

  it('makes a new idempotency key each time', () => {
    expect(newIdempotencyKey()).not.toBe(newIdempotencyKey());
  });
});
