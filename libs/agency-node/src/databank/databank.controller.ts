import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@shekara/auth';
import type { AuthedRequest } from '@shekara/auth';
import { BankAttachments } from './attachments.service';
import { DataBankService } from './databank.service';

/** The Unified Data Bank at the desk: thin, every rule is in DataBankService. */
@ApiTags('bank')
@ApiBearerAuth()
@Controller('api/bank')
export class DataBankController {
  constructor(
    private readonly bank: DataBankService,
    private readonly attachments: BankAttachments,
  ) {}

  @Post('attachments')
  @Roles('duty-officer', 'supervisor')
  @ApiConsumes('application/octet-stream')
  @ApiOperation({
    summary:
      'Upload a file for a record of the bank (raw body, ?filename=): PDF, JPEG, PNG, TIFF or an office document, at most 25 MiB, the type sniffed from the bytes; answers the reference to put in the content\'s attachments',
  })
  upload(@Req() req: AuthedRequest, @Query('filename') filename: unknown) {
    return this.attachments.upload(req.user, req, filename);
  }

  @Get('records/:id/attachments/:sha256')
  @ApiOperation({ summary: 'Download a file a version of the record names (within the clearance of the record)' })
  async download(@Req() req: AuthedRequest, @Param('id', new ParseUUIDPipe()) id: string, @Param('sha256') sha256: string, @Res() res: Response): Promise<void> {
    await this.bank.readable(req.user, id);
    await this.attachments.download(id, sha256, {
      head: (type, size, filename) => {
        const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
        res.status(200);
        res.setHeader('content-type', type);
        res.setHeader('content-length', String(size));
        res.setHeader('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`);
        res.setHeader('x-content-type-options', 'nosniff');
        res.setHeader('cache-control', 'private, no-store');
      },
      body: res,
    });
  }

  @Post('records')
  @Roles('duty-officer', 'supervisor')
  @ApiOperation({ summary: "Add a record to the data bank, owned by the user's agency (body: BankRecordContent JSON)" })
  create(@Req() req: AuthedRequest, @Body() body: unknown) {
    return this.bank.create(req.user, body);
  }

  @Put('records/:id')
  @Roles('duty-officer', 'supervisor')
  @ApiOperation({ summary: "Revise a record of the user's agency: a new version (body: BankRecordContent JSON)" })
  revise(@Req() req: AuthedRequest, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: unknown) {
    return this.bank.revise(req.user, id, body);
  }

  @Post('records/:id/withdraw')
  @HttpCode(200)
  @Roles('duty-officer', 'supervisor')
  @ApiOperation({ summary: "Withdraw a record of the user's agency (a last version; it leaves search)" })
  withdraw(@Req() req: AuthedRequest, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.bank.withdraw(req.user, id);
  }

  @Get('records/:id')
  @ApiOperation({ summary: 'A record with all its versions, each as signed' })
  get(@Req() req: AuthedRequest, @Param('id', new ParseUUIDPipe()) id: string) {
    return this.bank.get(req.user, id);
  }

  @Get('records')
  @ApiOperation({ summary: 'Records by filters (kind, agency, topic, status, from, to), the latest change first' })
  list(@Req() req: AuthedRequest, @Query() query: Record<string, unknown>) {
    return this.bank.list(req.user, query);
  }

  @Get('search')
  @ApiOperation({ summary: 'Full-text search over materials and specimens (ru, kk, en), ranked, with snippets and the same filters' })
  search(@Req() req: AuthedRequest, @Query() query: Record<string, unknown>) {
    return this.bank.search(req.user, query);
  }

  @Get('contributions')
  @ApiOperation({ summary: 'What each agency contributed in a half-year (period=YYYY-H1|H2) against clause 5.5, with the reports that carried it' })
  contributions(@Query('period') period: unknown) {
    return this.bank.contributions(period);
  }

  @Post('resync')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: "Ask the other agencies' nodes for the bank versions this node lacks: those since the newest held of each (body {full: true}: all)" })
  resync(@Req() req: AuthedRequest, @Body() body: unknown) {
    return this.bank.resync(req.user, body);
  }

  @Post('check')
  @HttpCode(200)
  @ApiOperation({ summary: 'Check a travel document (number and issuing state): hit or no hit, tolerant of misreadings' })
  check(@Req() req: AuthedRequest, @Body() body: unknown) {
    return this.bank.check(req.user, body);
  }
}
