# V8 heap settings of the Shekara processes, sourced by scripts/up.sh and bench/run.sh (and mirrored
# in docker-compose.yml). The agency nodes bound their backlog (503 BUSY beyond 512 reports awaiting
# commit), so a capped old space keeps them under 256 MiB resident at saturation without GC taking
# much of their CPU. The supervisor's live heap is bounded by design (verdict cache by weight, long
# ranges one at a time, ingestion bounded by the consumer's concurrency); its 1 GiB cap keeps V8
# from letting the heap grow to several times the live data, and still fits a whole year's listing
# and exports. The measurements behind these values: docs/performance.md.
export AGENCY_NODE_OPTIONS="--max-old-space-size=256 --max-semi-space-size=16"
export SUPERVISOR_NODE_OPTIONS="--max-old-space-size=1024 --max-semi-space-size=4"
export SCHEDULER_NODE_OPTIONS="--max-old-space-size=192 --max-semi-space-size=4"
