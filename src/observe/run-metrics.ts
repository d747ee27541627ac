/**
 * Prometheus metrics of the runs a process executes, derived from their events (a
 * {@link RunObserver}) plus the few facts events do not carry: store append latency, the queue,
 * dropped and open subscribers. One registry per instance, so several servers in one process
 * (tests) keep separate counts. Node's own process metrics are left out: prom-client names
 * three gauges `_total`, which `promtool check metrics` rejects.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { CrewEvent } from "../events/index.js";
import type { RunObserver } from "../runs/index.js";

/** The provider part of a model string (`openai/gpt-4o-mini` -> `openai`). */
function providerOf(model: string): string {
  const slash = model.indexOf("/");
  return slash === -1 ? model : model.slice(0, slash);
}

/** Runs waiting in a queue and runs taken from it, as a shared queue counts them. */
export interface QueueCounts {
  queued: number;
  active: number;
}

/** The metrics of one server or worker; `observer` feeds them, `render` answers a scrape. */
export class RunMetrics {
  /** The registry holding every metric, for `render` or for a host app's own registry. */
  readonly registry = new Registry();
  readonly #runs: Counter<"status">;
  readonly #active: Gauge;
  readonly #queued: Gauge;
  readonly #runDuration: Histogram<"status">;
  readonly #events: Counter;
  readonly #append: Histogram;
  readonly #subscribers: Gauge;
  readonly #drops: Counter;
  readonly #requests: Counter<"provider" | "model">;
  readonly #retries: Counter<"provider" | "model">;
  readonly #latency: Histogram<"provider" | "model">;
  readonly #tokens: Counter<"provider" | "model" | "direction">;
  readonly #rateLimitWaits: Counter<"provider" | "model">;
  readonly #rateLimitSeconds: Counter<"provider" | "model">;
  readonly #cost: Counter<"provider" | "model">;
  readonly #unpriced: Counter<"provider" | "model">;
  readonly #warnings: Counter<"provider" | "model">;
  readonly #open = new Set<string>();
  #countSubscribers: (() => number) | undefined;
  #readQueue: (() => Promise<QueueCounts>) | undefined;

  constructor() {
    const registers = [this.registry];
    this.#runs = new Counter({
      name: "crewstream_runs_total",
      help: "Runs ended, by final status.",
      labelNames: ["status"],
      registers,
    });
    this.#active = new Gauge({
      name: "crewstream_runs_active",
      help: "Runs executing now.",
      registers,
      collect: async () => {
        if (this.#readQueue) this.#active.set((await this.#readQueue()).active);
      },
    });
    this.#queued = new Gauge({
      name: "crewstream_runs_queued",
      help: "Runs waiting for a free slot.",
      registers,
      collect: async () => {
        if (this.#readQueue) this.#queued.set((await this.#readQueue()).queued);
      },
    });
    this.#runDuration = new Histogram({
      name: "crewstream_run_duration_seconds",
      help: "Wall time of ended runs, by final status.",
      labelNames: ["status"],
      buckets: [0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800],
      registers,
    });
    this.#events = new Counter({
      name: "crewstream_events_appended_total",
      help: "Events appended to the run store.",
      registers,
    });
    this.#append = new Histogram({
      name: "crewstream_store_append_seconds",
      help: "Time the run store took to append one batch of events.",
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    this.#subscribers = new Gauge({
      name: "crewstream_subscribers",
      help: "Open event streams (SSE, JSONL and WebSocket connections).",
      registers,
      collect: () => {
        if (this.#countSubscribers) this.#subscribers.set(this.#countSubscribers());
      },
    });
    this.#drops = new Counter({
      name: "crewstream_slow_consumer_drops_total",
      help: "Live subscribers dropped because they fell too far behind.",
      registers,
    });
    const model = ["provider", "model"] as const;
    this.#requests = new Counter({
      name: "crewstream_model_requests_total",
      help: "Model calls that finished, by provider and model.",
      labelNames: model,
      registers,
    });
    this.#retries = new Counter({
      name: "crewstream_model_retries_total",
      help: "Waits before a model call is tried again (errors and rate limits).",
      labelNames: model,
      registers,
    });
    this.#latency = new Histogram({
      name: "crewstream_model_request_duration_seconds",
      help: "Wall time of model calls, their tool calls included.",
      labelNames: model,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    });
    this.#tokens = new Counter({
      name: "crewstream_model_tokens_total",
      help: "Tokens the models reported, by direction (input or output).",
      labelNames: [...model, "direction"],
      registers,
    });
    this.#rateLimitWaits = new Counter({
      name: "crewstream_rate_limit_waits_total",
      help: "Waits for a rate limit (a provider's 429 or an agent's max_rpm).",
      labelNames: model,
      registers,
    });
    this.#rateLimitSeconds = new Counter({
      name: "crewstream_rate_limit_wait_seconds_total",
      help: "Time spent waiting for rate limits.",
      labelNames: model,
      registers,
    });
    this.#cost = new Counter({
      name: "crewstream_model_cost_usd_total",
      help: "Cost of model calls in US dollars, for models with a known price.",
      labelNames: model,
      registers,
    });
    this.#unpriced = new Counter({
      name: "crewstream_model_requests_unpriced_total",
      help: "Model calls whose cost is unknown (no price for the model).",
      labelNames: model,
      registers,
    });
    this.#warnings = new Counter({
      name: "crewstream_model_warnings_total",
      help: "Warnings providers gave about model calls (an unsupported setting, an output schema not enforced).",
      labelNames: model,
      registers,
    });
  }

  /** Where `crewstream_subscribers` is read from at each scrape. */
  countSubscribersWith(count: () => number): void {
    this.#countSubscribers = count;
  }

  /**
   * Where `crewstream_runs_active` and `crewstream_runs_queued` are read from at each scrape,
   * for a server whose runs execute elsewhere (workers taking them from a shared queue).
   */
  readQueueWith(read: () => Promise<QueueCounts>): void {
    this.#readQueue = read;
  }

  /** The observer to give the run manager or worker. */
  readonly observer: RunObserver = {
    event: (event) => this.#event(event),
    appended: (_runId, count, ms) => {
      this.#events.inc(count);
      this.#append.observe(ms / 1000);
    },
    slowConsumerDropped: () => this.#drops.inc(),
    queueLength: (length) => this.#queued.set(length),
  };

  /** Content type of {@link RunMetrics.render}'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  #event(event: CrewEvent): void {
    switch (event.type) {
      case "run.start":
        if (!this.#open.has(event.runId)) {
          this.#open.add(event.runId);
          this.#active.inc();
        }
        break;
      case "run.end":
        if (this.#open.delete(event.runId)) this.#active.dec();
        this.#runs.inc({ status: event.status });
        this.#runDuration.observe({ status: event.status }, event.durationMs / 1000);
        break;
      case "agent.step": {
        if (event.model === undefined) break;
        const labels = { provider: providerOf(event.model), model: event.model };
        this.#requests.inc(labels);
        if (event.durationMs !== undefined) this.#latency.observe(labels, event.durationMs / 1000);
        if (event.usage) {
          this.#tokens.inc({ ...labels, direction: "input" }, event.usage.inputTokens);
          this.#tokens.inc({ ...labels, direction: "output" }, event.usage.outputTokens);
        }
        if (event.cost === undefined) this.#unpriced.inc(labels);
        else this.#cost.inc(labels, event.cost);
        if (event.warnings !== undefined) this.#warnings.inc(labels, event.warnings.length);
        break;
      }
      case "llm.retry": {
        const name = event.model ?? "unknown";
        const labels = { provider: providerOf(name), model: name };
        this.#retries.inc(labels);
        if (event.rateLimited === true) {
          this.#rateLimitWaits.inc(labels);
          this.#rateLimitSeconds.inc(labels, event.delayMs / 1000);
        }
        break;
      }
      default:
        break;
    }
  }
}
