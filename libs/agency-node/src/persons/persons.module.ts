import { Module } from '@nestjs/common';
import { StoreModule } from '../store';
import { PersonsController } from './persons.controller';
import { PersonsIndexer } from './persons.indexer';
import { PersonsService } from './persons.service';

/** Persons across agencies: the node's person index (filed after each report's commit), matches of a message, "check a person". */
@Module({ imports: [StoreModule], controllers: [PersonsController], providers: [PersonsIndexer, PersonsService], exports: [PersonsIndexer] })
export class PersonsModule {}
