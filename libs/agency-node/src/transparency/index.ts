export * from './transparency.module';
export * from './transparency.service';
export * from './witness.service';
export * from './fork-alerts';
