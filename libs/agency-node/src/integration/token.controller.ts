import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '@shekara/auth';
import { ClientAccounts } from './clients.service';
import { TokenRequest, TokenResponse } from './dto';

@ApiTags('integration')
@Controller('api/integration')
export class TokenController {
  constructor(private readonly clients: ClientAccounts) {}

  @Public()
  @Post('token')
  @HttpCode(200)
  @ApiOperation({ operationId: 'issueToken', summary: 'Client credentials grant: a short access token for a service account' })
  @ApiOkResponse({ type: TokenResponse })
  token(@Body() body: TokenRequest, @Req() req: Request): Promise<TokenResponse> {
    return this.clients.token(body.client_id, body.client_secret, req.ip ?? req.socket.remoteAddress ?? '');
  }
}
