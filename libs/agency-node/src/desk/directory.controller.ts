import { Controller, Get, Inject, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Clock } from '@shekara/common';
import type { Directory } from '@shekara/directory';
import type { AuthedRequest } from '@shekara/auth';
import { DIRECTORY } from '../core';

@ApiTags('directory')
@ApiBearerAuth()
@Controller('api')
export class DirectoryController {
  constructor(
    @Inject(DIRECTORY) private readonly directory: Directory,
    private readonly clock: Clock,
  ) {}

  @Get('me')
  @ApiOperation({ summary: 'The signed-in user, their unit and its interaction groups with the member units' })
  me(@Req() req: AuthedRequest) {
    const unit = this.directory.unit(req.user.unitId);
    const now = this.clock.now();
    const describe = (id: string) => {
      const u = this.directory.unit(id);
      return { id: u.id, agency: u.agency, agencyName: this.directory.agencyName(u.agency, now).nameRu, agencyNameEn: this.directory.agencyName(u.agency, now).nameEn, level: u.level, nameRu: u.nameRu, nameEn: u.nameEn, zone: u.zone, checkpointId: u.checkpointId ?? null, regionCode: u.regionCode ?? null };
    };
    return {
      user: req.user,
      unit: describe(unit.id),
      groups: this.directory.groupsOf(unit.id).map((g) => ({ id: g.id, level: g.level, members: g.members.map(describe) })),
    };
  }
}
