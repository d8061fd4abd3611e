import { ClientsUsageError, parseClientsArgs } from './command';

const AUTH = ['--node', 'http://127.0.0.1:3002', '--user', 'border.admin', '--password-file', '/tmp/p'];

describe('shekara clients arguments', () => {
  it('reads a create with several units', () => {
    const a = parseClientsArgs(['create', ...AUTH, '--client-id', 'eps', '--name', 'EPS', '--unit', 'u1', '--unit', 'u2', '--rate', '60']);
    expect(a.sub).toBe('create');
    expect(a.options.get('unit')).toEqual(['u1', 'u2']);
  });
  it.each([
    [['create', ...AUTH, '--name', 'x', '--unit', 'u'], /--client-id is required/],
    [['list', '--node', 'http://n'], /either --user with --password-file, or --token-file/],
    [['list', ...AUTH, '--token-file', 't'], /either --user/],
    [['list', '--node', 'ftp://n', '--token-file', 't'], /http\(s\) URL/],
    [['revoke', ...AUTH, '--client-id', 'a', '--client-id', 'b'], /given twice/],
    [['revoke', ...AUTH, '--password', 'secret', '--client-id', 'a'], /--password is not an option/],
    [['webhook', ...AUTH, '--client-id', 'a'], /exactly one of --url, --remove/],
    [['create', ...AUTH, '--client-id', 'a', '--name', 'n', '--unit', 'u', '--rate', '0'], /--rate must be/],
    [['delete', ...AUTH], /unknown clients command/],
  ])('refuses %p', (argv, message) => {
    expect(() => parseClientsArgs(argv)).toThrow(ClientsUsageError);
    expect(() => parseClientsArgs(argv)).toThrow(message);
  });
});
