import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
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

  @Post('persons/check')
  @HttpCode(200)
  @ApiOperation({ summary: 'Check a person (names in any script, date of birth, citizenship, document) against everything the node holds' })
  check(@Req() req: AuthedRequest, @Body() body: unknown) {
    return this.persons.check(req.user, body);
  }
}
