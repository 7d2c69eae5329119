import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThanOrEqual, Repository } from 'typeorm';
import { CONTROL_DB } from '../database/database.constants';
import { ExecutionMode } from '../config/app-config';
import { WorkerDto, WorkersDto } from './dto/workers.dto';
import { JobWorker } from './entities/job-worker.entity';
import { QUEUE_STATUS, QueueStatusSource } from './queue-status';
import { WORKER_STALE_MS } from './worker-registry.service';

/** The live workers (recent heartbeat) and, in queue mode, the queue. */
@Injectable()
export class WorkersService {
  constructor(
    @InjectRepository(JobWorker, CONTROL_DB) private readonly workers: Repository<JobWorker>,
    @Optional() @Inject(QUEUE_STATUS) private readonly queue: QueueStatusSource | null,
  ) {}

  async list(): Promise<WorkersDto> {
    const live = await this.workers.find({
      where: { heartbeatAt: MoreThanOrEqual(new Date(Date.now() - WORKER_STALE_MS)) },
      order: { startedAt: 'ASC', id: 'ASC' },
    });
    return {
      workers: live.map((worker): WorkerDto => ({
        id: worker.id,
        host: worker.host,
        pid: worker.pid,
        mode: worker.mode as ExecutionMode,
        concurrency: worker.concurrency,
        startedAt: worker.startedAt.toISOString(),
        heartbeatAt: worker.heartbeatAt.toISOString(),
        running: worker.running,
      })),
      queue: this.queue ? await this.queue.status() : null,
    };
  }
}
