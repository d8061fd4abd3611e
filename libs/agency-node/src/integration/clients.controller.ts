import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@shekara/auth';
import type { AuthedRequest } from '@shekara/auth';
import { ClientAccounts } from './clients.service';
import { ClientView, CreateClientRequest, CreatedClient, WebhookRequest, WebhookSet } from './dto';

/** Service accounts, managed by the node's administrators (and `shekara clients`). */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/admin/clients')
export class ClientsController {
  constructor(private readonly clients: ClientAccounts) {}

  @Post()
  @ApiOperation({ operationId: 'createClient', summary: 'Create a service account bound to units of this agency (its secret is shown once)' })
  @ApiCreatedResponse({ type: CreatedClient })
  create(@Req() req: AuthedRequest, @Body() body: CreateClientRequest): Promise<CreatedClient> {
    return this.clients.create(req.user.username, body);
  }

  @Get()
  @ApiOperation({ operationId: 'listClients', summary: 'Service accounts, revoked ones included' })
  @ApiOkResponse({ type: [ClientView] })
  list(): Promise<ClientView[]> {
    return this.clients.list();
  }

  @Post(':clientId/revoke')
  @HttpCode(204)
  @ApiOperation({ operationId: 'revokeClient', summary: 'Revoke a service account: no new tokens, its tokens refused within seconds' })
  @ApiNoContentResponse()
  revoke(@Req() req: AuthedRequest, @Param('clientId') clientId: string): Promise<void> {
    return this.clients.revoke(req.user.username, clientId);
  }

  @Put(':clientId/webhook')
  @ApiOperation({ operationId: 'setClientWebhook', summary: 'Set the account’s webhook (deliveries start after what it acknowledged; a failed webhook starts again)' })
  @ApiOkResponse({ type: WebhookSet })
  async setWebhook(@Req() req: AuthedRequest, @Param('clientId') clientId: string, @Body() body: WebhookRequest): Promise<WebhookSet> {
    return (await this.clients.setWebhook(req.user.username, clientId, body.url, body.secret))!;
  }

  @Delete(':clientId/webhook')
  @HttpCode(204)
  @ApiOperation({ operationId: 'removeClientWebhook', summary: 'Remove the account’s webhook' })
  async removeWebhook(@Req() req: AuthedRequest, @Param('clientId') clientId: string): Promise<void> {
    await this.clients.setWebhook(req.user.username, clientId, null);
  }
}
