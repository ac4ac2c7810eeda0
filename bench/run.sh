#!/usr/bin/env bash
# Side-by-side load benchmark: every scenario against every target, one after another, with
# the same generator and settings. See bench/README.md.
#
#   bench/run.sh [--quick] [--scenario NAME[,NAME]] [--target NAME[,NAME]] [--json FILE]
#                [--soak-minutes N] [--fanout-latency-rates HALF,QUARTER]
#
# Scenarios: fanout, tickers, chat, slow-consumer, connections (the default), and soak (only when
# named: mixed load for --soak-minutes, default 30) and resume (only when named, Herald only:
# 1,000 subscribers of 100 topics with history dropped at once and resumed with x-herald-since)
# and conflation (only when named: subscribers of 1,000 prices, one in ten reading slowly)
# Targets:   herald, rabbitmq, artemis, spring-simple, ceiling
# The broker under test runs on CPU 0 and the generator on CPU 1 (taskset); JVM targets and
# the generator get the same heap and GC (BENCH_HEAP, default -Xms1g -Xmx1g -XX:+UseG1GC: on one
# CPU the JVM would otherwise pick the Serial GC).
# BENCH_SKIP_BUILD=1 skips the Maven package step. The local RabbitMQ is restarted with 20000 open
# files when it runs with fewer (Debian's default is 1024); BENCH_RESTART_RABBITMQ=0 prevents it.
# BENCH_JFR_DIR=DIR records each JVM target with JDK Flight Recorder into DIR/TARGET.jfr.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

QUICK=""
SCENARIOS="fanout,tickers,chat,slow-consumer,connections"
TARGETS="herald,rabbitmq,artemis,spring-simple,ceiling"
JSON=""
SOAK_MINUTES=30
LATENCY_RATES=""
while [ $# -gt 0 ]; do
	case "$1" in
		--quick) QUICK="--quick" ;;
		--scenario) SCENARIOS="$2"; shift ;;
		--scenario=*) SCENARIOS="${1#*=}" ;;
		--target) TARGETS="$2"; shift ;;
		--target=*) TARGETS="${1#*=}" ;;
		--json) JSON="$2"; shift ;;
		--json=*) JSON="${1#*=}" ;;
		--fanout-latency-rates) LATENCY_RATES="$2"; shift ;;
		--fanout-latency-rates=*) LATENCY_RATES="${1#*=}" ;;
		--soak-minutes) SOAK_MINUTES="$2"; shift ;;
		--soak-minutes=*) SOAK_MINUTES="${1#*=}" ;;
		-h|--help) sed -n '2,15p' "$0"; exit 0 ;;
		*) echo "unknown argument: $1" >&2; exit 2 ;;
	esac
	shift
done

STAMP="$(date -u +%Y-%m-%d-%H%M)${QUICK:+-quick}"
JSON="${JSON:-bench/results/$STAMP.json}"
STEM="${JSON%.json}"
mkdir -p "$(dirname "$JSON")"
rm -f "$JSON"
HEAP="${BENCH_HEAP:--Xms1g -Xmx1g -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError}"
LOGS="$(mktemp -d /tmp/herald-bench.XXXXXX)"
BROKER_CPU=0
GENERATOR_CPU=1
if [ "$(nproc)" -lt 2 ]; then
	echo "warning: fewer than 2 CPUs; broker and generator share CPU 0" >&2
	GENERATOR_CPU=0
fi

if [ "${BENCH_SKIP_BUILD:-}" != "1" ]; then
	echo "building broker, generator and targets ..."
	./mvnw -q -DskipTests -Dspring-javaformat.skip=true package \
		-pl broker,bench/generator,bench/targets,bench/spring-simple -am
fi

# The runtime classpath of a bench module: its classes plus target/lib (copied at package).
module_cp() {
	local dir="$1"
	if [ -d "$dir/target/lib" ]; then
		echo "$dir/target/classes:$dir/target/lib/*"
	else
		./mvnw -q -o -pl "$dir" dependency:build-classpath -Dmdep.outputFile="$LOGS/cp.txt" >/dev/null
		echo "$dir/target/classes:$(cat "$LOGS/cp.txt")"
	fi
}
GEN_CP="$(module_cp bench/generator)"

wait_port() { # port seconds pid
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
			return 0
		fi
		if [ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null; then
			return 1
		fi
		sleep 0.1
	done
	return 1
}

free_port() {
	local p
	for p in $(seq "$1" $(($1 + 50))); do
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
	echo "no free port near $1" >&2
	exit 1
}

# Restarts the local RabbitMQ as user rabbitmq with 20000 open files. setpriv, not su: su's
# pam_limits would put the soft limit back to 1024. Falls back to the usual start.
restart_rabbitmq() {
	local i
	rabbitmqctl -q stop >/dev/null 2>&1 || true
	for i in $(seq 1 50); do pgrep -u rabbitmq beam.smp >/dev/null || break; sleep 0.2; done
	(cd /var/lib/rabbitmq && ulimit -n 20000 && setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups \
		env HOME=/var/lib/rabbitmq /usr/lib/rabbitmq/bin/rabbitmq-server -detached) >/dev/null 2>&1 || true
	for i in $(seq 1 60); do rabbitmqctl -q status >/dev/null 2>&1 && break; sleep 0.5; done
	if ! rabbitmqctl -q status >/dev/null 2>&1; then
		rabbitmq-server -detached
		for i in $(seq 1 60); do rabbitmqctl -q status >/dev/null 2>&1 && break; sleep 0.5; done
	fi
}

# The cluster targets' RabbitMQ runs on the broker CPU too, beside them (undone by stop_target).
RABBIT_PINNED=""
pin_rabbitmq() {
	RABBIT_PINNED="$(rabbitmqctl -q eval 'list_to_integer(os:getpid()).' 2>/dev/null | tr -dc '0-9')"
	[ -n "$RABBIT_PINNED" ] && taskset -a -cp "$BROKER_CPU" "$RABBIT_PINNED" >/dev/null
}

BROKER_PID=""
STARTED_PID=""
SECOND_PID=""
URI=""
URI_B=""
LOGIN=guest
PASSCODE=guest

# Starts (or, for rabbitmq, prepares) a target; sets BROKER_PID and URI.
start_target() {
	local target="$1" port cp
	STARTED_PID=""
	local jvm=($HEAP)
	if [ -n "${BENCH_JFR_DIR:-}" ]; then
		mkdir -p "$BENCH_JFR_DIR"
		jvm+=("-XX:StartFlightRecording=filename=$BENCH_JFR_DIR/$target.jfr,settings=profile,dumponexit=true")
	fi
	case "$target" in
		herald)
			port="$(free_port 18080)"
			local jar
			jar="$(ls broker/target/herald-broker-*-exec.jar | head -1)"
			# the resume scenario's topics keep a history, the conflation one's conflate (other scenarios do not touch them)
			taskset -c "$BROKER_CPU" java "${jvm[@]}" -jar "$jar" --server.port="$port" --herald.tcp.port=-1 \
				'--herald.topics.rules[0].destinations[0]=/topic/resume.#' '--herald.topics.rules[0].history-size=1000' \
				'--herald.topics.rules[1].destinations[0]=/topic/conflate.#' '--herald.topics.rules[1].slow-consumer=conflate' \
				>"$LOGS/herald.log" 2>&1 &
			STARTED_PID=$!
			;;
		herald-cluster)
			# two nodes sharing topics through the local RabbitMQ (AMQP on 5672), both on the broker CPU
			pin_rabbitmq
			port="$(free_port 18080)"
			local second jar
			second="$(free_port $((port + 1)))"
			jar="$(ls broker/target/herald-broker-*-exec.jar | head -1)"
			taskset -c "$BROKER_CPU" java "${jvm[@]}" -jar "$jar" --server.port="$second" --herald.tcp.port=-1 \
				--herald.cluster.mode=rabbitmq --herald.cluster.node-id=bench-b \
				--herald.cluster.rabbitmq.exchange=herald.bench.topics >"$LOGS/herald-cluster-b.log" 2>&1 &
			SECOND_PID=$!
			taskset -c "$BROKER_CPU" java "${jvm[@]}" -jar "$jar" --server.port="$port" --herald.tcp.port=-1 \
				--herald.cluster.mode=rabbitmq --herald.cluster.node-id=bench-a \
				--herald.cluster.rabbitmq.exchange=herald.bench.topics >"$LOGS/herald-cluster.log" 2>&1 &
			STARTED_PID=$!
			URI_B="ws://127.0.0.1:$second/ws"
			wait_port "$second" 90 "$SECOND_PID" || return 1
			;;
		artemis|ceiling)
			port="$(free_port 18180)"
			cp="$(module_cp bench/targets)"
			local main=io.herald.bench.targets.ArtemisTarget
			[ "$target" = ceiling ] && main=io.herald.bench.targets.CeilingTarget
			taskset -c "$BROKER_CPU" java "${jvm[@]}" -cp "$cp" "$main" --port="$port" >"$LOGS/$target.log" 2>&1 &
			STARTED_PID=$!
			;;
		spring-relay)
			# two Spring apps with enableStompBrokerRelay to RabbitMQ's STOMP plugin (61613): the cluster
			# scenario's comparison, one RabbitMQ connection per browser
			if ! rabbitmq-plugins -q list -e rabbitmq_stomp 2>/dev/null | grep -q rabbitmq_stomp; then
				rabbitmq-plugins -q enable rabbitmq_stomp >/dev/null
			fi
			local rpid rfds
			rpid="$(rabbitmqctl -q eval 'list_to_integer(os:getpid()).' 2>/dev/null | tr -dc '0-9')"
			rfds="$(awk '/Max open files/ {print $4}' "/proc/$rpid/limits" 2>/dev/null || echo 0)"
			if [ "${rfds:-0}" -lt 20000 ] && [ "${BENCH_RESTART_RABBITMQ:-1}" = 1 ]; then
				echo "   restarting rabbitmq with 20000 open files (was $rfds)" >&2
				restart_rabbitmq
			fi
			for _ in $(seq 1 60); do (exec 3<>/dev/tcp/127.0.0.1/61613) 2>/dev/null && break; sleep 0.5; done
			pin_rabbitmq
			port="$(free_port 18280)"
			local relay_second
			relay_second="$(free_port $((port + 1)))"
			cp="$(module_cp bench/spring-simple)"
			taskset -c "$BROKER_CPU" java "${jvm[@]}" -cp "$cp" io.herald.bench.simple.SpringSimpleBroker --port="$relay_second" \
				--relay-port=61613 >"$LOGS/spring-relay-b.log" 2>&1 &
			SECOND_PID=$!
			taskset -c "$BROKER_CPU" java "${jvm[@]}" -cp "$cp" io.herald.bench.simple.SpringSimpleBroker --port="$port" \
				--relay-port=61613 >"$LOGS/spring-relay.log" 2>&1 &
			STARTED_PID=$!
			URI_B="ws://127.0.0.1:$relay_second/ws"
			wait_port "$relay_second" 90 "$SECOND_PID" || return 1
			;;
		spring-simple)
			port="$(free_port 18280)"
			cp="$(module_cp bench/spring-simple)"
			taskset -c "$BROKER_CPU" java "${jvm[@]}" -cp "$cp" io.herald.bench.simple.SpringSimpleBroker --port="$port" \
				>"$LOGS/spring-simple.log" 2>&1 &
			STARTED_PID=$!
			;;
		rabbitmq)
			port=15674
			if ! rabbitmqctl -q status >/dev/null 2>&1; then
				echo "rabbitmq is not running; start it with: rabbitmq-server -detached" >&2
				return 1
			fi
			if ! rabbitmq-plugins -q list -e rabbitmq_web_stomp 2>/dev/null | grep -q web_stomp; then
				rabbitmq-plugins -q enable rabbitmq_web_stomp >/dev/null
			fi
			BROKER_PID="$(rabbitmqctl -q eval 'list_to_integer(os:getpid()).' 2>/dev/null | tr -dc '0-9')"
			# Debian starts RabbitMQ with 1024 open files, too few for 1,000 WebSocket clients.
			local fds
			fds="$(awk '/Max open files/ {print $4}' "/proc/$BROKER_PID/limits" 2>/dev/null || echo 0)"
			if [ "${fds:-0}" -lt 20000 ]; then
				if [ "${BENCH_RESTART_RABBITMQ:-1}" = 1 ]; then
					echo "   restarting rabbitmq with 20000 open files (was $fds)" >&2
					restart_rabbitmq
					BROKER_PID="$(rabbitmqctl -q eval 'list_to_integer(os:getpid()).' 2>/dev/null | tr -dc '0-9')"
				else
					echo "   warning: rabbitmq may open only $fds files (BENCH_RESTART_RABBITMQ=0)" >&2
				fi
			fi
			# Pin every Erlang scheduler thread to the broker CPU for the run (undone afterwards).
			[ -n "$BROKER_PID" ] && taskset -a -cp "$BROKER_CPU" "$BROKER_PID" >/dev/null
			;;
		*)
			echo "unknown target: $target" >&2
			return 1
			;;
	esac
	[ -n "$STARTED_PID" ] && BROKER_PID="$STARTED_PID"
	URI="ws://127.0.0.1:$port/ws"
	if ! wait_port "$port" 90 "$STARTED_PID"; then
		echo "$target did not start; log:" >&2
		tail -20 "$LOGS/$target.log" >&2 2>/dev/null || true
		return 1
	fi
}

stop_target() {
	local target="$1"
	if [ "$target" = rabbitmq ]; then
		[ -n "$BROKER_PID" ] && taskset -a -cp "0-$(($(nproc) - 1))" "$BROKER_PID" >/dev/null 2>&1 || true
	elif [ -n "$STARTED_PID" ]; then
		kill "$STARTED_PID" 2>/dev/null || true
		for _ in $(seq 1 100); do kill -0 "$STARTED_PID" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$STARTED_PID" 2>/dev/null || true
	fi
	if [ -n "$SECOND_PID" ]; then
		kill "$SECOND_PID" 2>/dev/null || true
		for _ in $(seq 1 100); do kill -0 "$SECOND_PID" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$SECOND_PID" 2>/dev/null || true
	fi
	if [ -n "$RABBIT_PINNED" ]; then
		taskset -a -cp "0-$(($(nproc) - 1))" "$RABBIT_PINNED" >/dev/null 2>&1 || true
		RABBIT_PINNED=""
	fi
	STARTED_PID=""
	SECOND_PID=""
	URI_B=""
	BROKER_PID=""
}
trap 'stop_target "${CURRENT:-}"' EXIT

failed_row() { # scenario target reason
	printf '[{"scenario":"%s","target":"%s","error":"%s"}]\n' "$1" "$2" "$3" >"$LOGS/failed.json"
	java -cp "$GEN_CP" io.herald.bench.Report --append "$JSON" "$LOGS/failed.json"
}

SOAK_ARG=""
case ",$SCENARIOS," in *,soak,*) SOAK_ARG=" --soak-minutes $SOAK_MINUTES" ;; esac

START=$(date +%s)
IFS=',' read -r -a TARGET_LIST <<<"$TARGETS"
IFS=',' read -r -a SCENARIO_LIST <<<"$SCENARIOS"
for target in "${TARGET_LIST[@]}"; do
	CURRENT="$target"
	echo "== $target"
	if ! start_target "$target"; then
		for scenario in "${SCENARIO_LIST[@]}"; do failed_row "$scenario" "$target" "target did not start"; done
		stop_target "$target"
		continue
	fi
	for scenario in "${SCENARIO_LIST[@]}"; do
		if [ "$scenario" = connections ] && [ -n "$STARTED_PID" ]; then
			# A fresh process, so its RSS before the connections is not what earlier scenarios left.
			stop_target "$target"
			start_target "$target" || { failed_row "$scenario" "$target" "target did not restart"; continue; }
		elif [ -n "$STARTED_PID" ] && ! kill -0 "$STARTED_PID" 2>/dev/null; then
			echo "   $target died during the previous scenario; restarting it" >&2
			start_target "$target" || { failed_row "$scenario" "$target" "target did not restart"; continue; }
		fi
		if [ "$scenario" = resume ] && [ "$target" != herald ]; then
			echo "   resume: skipped for $target (no resume over STOMP)"
			continue
		fi
		echo "   $scenario"
		taskset -c "$GENERATOR_CPU" java $HEAP -cp "$GEN_CP" io.herald.bench.Generator --uri "$URI" ${URI_B:+--uri-b "$URI_B"} \
			--target "$target" --scenario "$scenario" $QUICK --soak-minutes "$SOAK_MINUTES" ${LATENCY_RATES:+--fanout-latency-rates "$LATENCY_RATES"} --login "$LOGIN" --passcode "$PASSCODE" \
			--broker-pid "${BROKER_PID:-0}" --generator-cpu "$GENERATOR_CPU" --broker-cpu "$BROKER_CPU" --json "$JSON" 2>>"$LOGS/generator.log" | sed -e "s/^RESULT /     /" -e "s/^SAMPLE /       /" \
			|| failed_row "$scenario" "$target" "generator failed"
	done
	stop_target "$target"
	CURRENT=""
done
echo "took $(($(date +%s) - START)) s; logs in $LOGS"

java -cp "$GEN_CP" io.herald.bench.Report "$JSON" "$STEM.md" "$STEM.png" \
	"$(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(java -version 2>&1 | head -1)" \
	"bench/run.sh $QUICK --scenario $SCENARIOS --target $TARGETS$SOAK_ARG"
echo "results: $JSON $STEM.md $STEM.png"
