export * from './auth.errors';
export * from './auth.guard';
export * from './auth.module';
export * from './auth.options';
export * from './auth.service';
export * from './auth.types';
export * from './user.entity';
export * from './users.sql';
