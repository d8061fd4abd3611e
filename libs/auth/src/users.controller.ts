import { Body, Controller, Param, Put, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { AuthService } from './auth.service';
import { Roles } from './auth.guard';
import type { AuthedRequest } from './auth.guard';
import { CLEARANCES } from './user.entity';
import type { Clearance } from './user.entity';

export class ClearanceBody {
  @ApiProperty({ enum: CLEARANCES, example: 'CONFIDENTIAL' })
  @IsIn(CLEARANCES)
  clearance: Clearance;
}

/** The administrator's management of users: what each may read (clearance). */
@ApiTags('auth')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/admin/users')
export class UsersController {
  constructor(private readonly auth: AuthService) {}

  @Put(':username/clearance')
  @ApiOperation({ summary: 'Set what a user may read: UNCLASSIFIED, FOR_OFFICIAL_USE or CONFIDENTIAL (administrators; audited)' })
  setClearance(@Req() req: AuthedRequest, @Param('username') username: string, @Body() body: ClearanceBody) {
    return this.auth.setClearance(req.user, username.slice(0, 100), body.clearance);
  }
}
