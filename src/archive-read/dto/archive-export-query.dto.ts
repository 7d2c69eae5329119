import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { EXPORT_FORMATS, ExportFormat } from '../export-formats';
import { ArchiveSelectionDto } from './archive-query.dto';

export class ArchiveExportQueryDto extends ArchiveSelectionDto {
  /** `csv` (RFC 4180, a header line, CRLF line ends) or `jsonl` (one JSON object per line); default `csv`. */
  @ApiProperty({ enum: EXPORT_FORMATS, required: false, example: 'csv' })
  @IsOptional()
  @IsIn(EXPORT_FORMATS, { message: `format must be one of: ${EXPORT_FORMATS.join(', ')}` })
  format?: ExportFormat;
}
