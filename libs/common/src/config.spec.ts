import { IsInt, IsString, Max, Min } from 'class-validator';
import { ConfigError, validateEnvironment } from './config';

class SampleEnv {
  @IsString() DATABASE_URL: string;
  @IsInt() @Min(1) @Max(65535) HTTP_PORT: number = 3000;
  @IsString() JWT_SECRET: string;
}

describe('validateEnvironment', () => {
  it('converts and applies defaults', () => {
    const c = validateEnvironment(SampleEnv, { DATABASE_URL: 'postgres://x', JWT_SECRET: 's', HTTP_PORT: '8080' });
    expect(c.HTTP_PORT).toBe(8080);
    expect(validateEnvironment(SampleEnv, { DATABASE_URL: 'a', JWT_SECRET: 's' }).HTTP_PORT).toBe(3000);
  });

  it('names every missing or bad setting, hiding secrets', () => {
    try {
      validateEnvironment(SampleEnv, { HTTP_PORT: '99999', JWT_SECRET: '' });
      throw new Error('expected failure');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const msg = (e as Error).message;
      expect(msg).toContain('DATABASE_URL (missing)');
      expect(msg).toContain('HTTP_PORT (got "99999")');
      expect(msg).toContain('JWT_SECRET (missing)');
    }
  });
});
