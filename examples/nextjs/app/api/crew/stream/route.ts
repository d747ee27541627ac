/**
 * `POST /api/crew/stream`: starts a crew run and streams its events as SSE (header `X-Run-Id`).
 * The seed's route, now served by crewstream's Web-standard handler.
 */
import { crewstream } from "../../../../lib/crewstream";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = crewstream;
