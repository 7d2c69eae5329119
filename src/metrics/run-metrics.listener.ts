import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RunEvents } from '../runs/run-events';
import { DasMetrics } from './das-metrics';
import { RunMetrics } from './run-metrics';

/** Feeds the job runner's run events into the metrics, while metrics are on. */
@Injectable()
export class RunMetricsListener implements OnModuleInit, OnModuleDestroy {
  private stopListening: (() => void) | null = null;

  constructor(
    private readonly events: RunEvents,
    private readonly metrics: DasMetrics,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    if (!this.config.metrics.enabled) {
      return;
    }
    const runs = new RunMetrics(this.metrics);
    this.stopListening = this.events.listen((event) => runs.handle(event));
  }

  onModuleDestroy(): void {
    this.stopListening?.();
  }
}
