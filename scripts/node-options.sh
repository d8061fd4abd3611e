# V8 heap settings of the Shekara processes, sourced by scripts/up.sh and bench/run.sh (and mirrored
# in docker-compose.yml). The agency nodes bound their backlog (a send beyond 512 reports awaiting
# commit is refused with 503 BUSY), so their live heap stays small: a capped old space and small
# semi-spaces keep them well under 256 MiB resident at saturation, at a few percent of throughput.
# The supervisor's old space is not capped: a verdict listing of a whole year for every unit needs
# several hundred MiB, and running out of heap would kill the process.
export AGENCY_NODE_OPTIONS="--max-old-space-size=192 --max-semi-space-size=8"
export SUPERVISOR_NODE_OPTIONS="--max-semi-space-size=4"
export SCHEDULER_NODE_OPTIONS="--max-old-space-size=192 --max-semi-space-size=4"
