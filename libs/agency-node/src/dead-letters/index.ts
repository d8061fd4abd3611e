export * from './dead-letters.module';
export * from './dead-letters.service';
