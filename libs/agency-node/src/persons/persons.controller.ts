import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@shekara/auth';
import type { AuthedRequest } from '@shekara/auth';
import { PersonsService } from './persons.service';

@ApiTags('persons')
@ApiBearerAuth()
@Controller('api')
export class PersonsController {
  constructor(private readonly persons: PersonsService) {}

  @Get('messages/:id/matches')
  @ApiOperation({ summary: 'Possible matches of the persons a message names, among everything the node holds' })
  matches(@Req() req: AuthedRequest, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.persons.matchesOf(req.user, id);
  }

  @Get('messages/:id/hit-decisions')
  @ApiOperation({ summary: 'Hit decisions other agencies sent about persons in this message of your unit (confirmed or rejected matches), newest first' })
  hitDecisions(@Req() req: AuthedRequest, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.persons.receivedDecisions(req.user, id);
  }

  @Post('persons/check')
  @HttpCode(200)
  @ApiOperation({ summary: 'Check a person (names in any script, date of birth, citizenship, document) against everything the node holds' })
  check(@Req() req: AuthedRequest, @Body() body: unknown) {
    return this.persons.check(req.user, body);
  }

  @Post('matches/decide')
  @HttpCode(200)
  @Roles('duty-officer')
  @ApiOperation({ summary: 'Confirm or reject a possible match of a person named in a message of your unit (recorded, audited, and sent signed to the unit that reported the other record)' })
  decide(@Req() req: AuthedRequest, @Body() body: unknown) {
    return this.persons.decide(req.user, body);
  }
}
