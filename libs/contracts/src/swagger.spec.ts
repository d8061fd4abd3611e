/** The DTOs give /api/docs a complete schema of the request body, nested messages and enums included. */
import { Body, Controller, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ApiBody, DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { SendMessageRequestDto } from './dto';

@Controller('messages')
class MessagesController {
  @Post()
  @ApiBody({ type: SendMessageRequestDto })
  send(@Body() body: unknown): unknown {
    return body;
  }
}

describe('Swagger schema of SendMessageRequest', () => {
  it('documents every DTO with required fields, enums and formats', async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [MessagesController] }).compile();
    const app = moduleRef.createNestApplication();
    await app.init();
    try {
      const doc = SwaggerModule.createDocument(app, new DocumentBuilder().build());
      const schemas = doc.components?.schemas as Record<string, { required?: string[]; properties: Record<string, Record<string, unknown>> }>;
      expect(Object.keys(schemas)).toEqual(expect.arrayContaining(['SendMessageRequestDto', 'UrgentDto', 'DetainedMigrantsDto', 'PersonDto', 'SemiannualDto']));
      const req = schemas.SendMessageRequestDto;
      expect(req.required).toEqual(expect.arrayContaining(['senderUnit', 'recipientUnits', 'classification']));
      expect(req.properties.urgent).toEqual(expect.objectContaining({ $ref: '#/components/schemas/UrgentDto' }));
      const person = schemas.PersonDto;
      expect(person.properties.dateOfBirth).toEqual(expect.objectContaining({ type: 'string', format: 'date' }));
      expect(schemas.DetainedMigrantsDto.properties.persons).toEqual(
        expect.objectContaining({ type: 'array', items: { $ref: '#/components/schemas/PersonDto' }, minItems: 1 }),
      );
      expect(JSON.stringify(doc)).toContain('URGENT_TOPIC_DETAINED_MIGRANTS');
    } finally {
      await app.close();
    }
  });
});
