# V8 heap settings of the Shekara processes, sourced by scripts/up.sh and bench/run.sh (and mirrored
# in docker-compose.yml). The agency nodes bound their backlog (a send beyond 512 reports awaiting
# commit is refused with 503 BUSY), so their live heap stays small (about 60 MiB): a capped old space
# keeps them under 256 MiB resident at saturation (about 180 MiB measured by npm run bench); smaller
# caps cost throughput in garbage collection (192 MiB with 8 MiB semi-spaces: GC a fifth of the
# sender's CPU instead of a seventh).
# The supervisor's old space is not capped: a verdict listing of a whole year for every unit needs
# several hundred MiB, and running out of heap would kill the process.
export AGENCY_NODE_OPTIONS="--max-old-space-size=256 --max-semi-space-size=16"
export SUPERVISOR_NODE_OPTIONS="--max-semi-space-size=4"
export SCHEDULER_NODE_OPTIONS="--max-old-space-size=192 --max-semi-space-size=4"
