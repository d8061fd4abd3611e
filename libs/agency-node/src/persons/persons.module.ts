import { Module } from '@nestjs/common';
import { DataBankModule } from '../databank';
import { DeskModule } from '../desk';
import { StoreModule } from '../store';
import { PersonsController } from './persons.controller';
import { PersonsIndexer } from './persons.indexer';
import { PersonsService } from './persons.service';

/**
 * Persons across agencies: the node's person index (filed after each report's commit), matches of a
 * message, "check a person" (with the data bank's lost and stolen documents), and hit decisions (sent to the owner of the other record through the desk's send path).
 */
@Module({ imports: [StoreModule, DeskModule, DataBankModule], controllers: [PersonsController], providers: [PersonsIndexer, PersonsService], exports: [PersonsIndexer] })
export class PersonsModule {}
