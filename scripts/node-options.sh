# V8 heap settings of the Shekara processes, sourced by scripts/up.sh and bench/run.sh (and mirrored
# in docker-compose.yml). The agency nodes bound their backlog (a send beyond 512 reports awaiting
# commit is refused with 503 BUSY), so their live heap stays small (about 60 MiB): a capped old space
# keeps them under 256 MiB resident at saturation (about 180 MiB measured by npm run bench); smaller
# caps cost throughput in garbage collection (192 MiB with 8 MiB semi-spaces: GC a fifth of the
# sender's CPU instead of a seventh).
# The supervisor's live heap is bounded by design (verdict cache by weight, about 80 MiB; long ranges
# computed one at a time, a year about 300 MiB while computed; ingestion in flight bounded by the
# consumer's concurrency), but with an uncapped old space V8 lets the heap grow to about 4x the live
# size before collecting (max growing factor 4 above a 2 GiB limit), so ingesting a backlog of audit
# events while listing months ran it to 270-330 MiB resident. A 1 GiB cap brings the growing factor
# down to about 1.6 (month listings during ingestion: about 190 MiB) and still leaves three times a
# year's working set: the whole-year listing and its CSV/XLSX exports run under it.
export AGENCY_NODE_OPTIONS="--max-old-space-size=256 --max-semi-space-size=16"
export SUPERVISOR_NODE_OPTIONS="--max-old-space-size=1024 --max-semi-space-size=4"
export SCHEDULER_NODE_OPTIONS="--max-old-space-size=192 --max-semi-space-size=4"
