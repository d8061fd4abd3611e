import { Module } from '@nestjs/common';
import { DataBankModule } from '../databank';
import { ExchangeModule } from '../exchange';
import { DirectoryController } from './directory.controller';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';

/** The duty desk: send, list, open (READ), status, timeline, live events; the directory as the desk sees it. */
@Module({ imports: [ExchangeModule, DataBankModule], controllers: [MessagesController, DirectoryController], providers: [MessagesService], exports: [MessagesService] })
export class DeskModule {}
