import { Module } from '@nestjs/common';
import { ExchangeModule } from '../exchange';
import { DeadLettersController } from './dead-letters.controller';
import { DeadLettersService } from './dead-letters.service';

/** Bus messages this node could not accept. */
@Module({ imports: [ExchangeModule], controllers: [DeadLettersController], providers: [DeadLettersService] })
export class DeadLettersModule {}
