package dev.rain.bench.results;

import static dev.rain.bench.results.TableRow.Comparison.RATE;
import static dev.rain.bench.results.TableRow.Comparison.TIME;
import static dev.rain.bench.results.TableRow.Comparison.TIMES;
import static dev.rain.bench.results.TableRow.against;
import static dev.rain.bench.results.TableRow.plain;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The rows of the summary table, stage by stage, in the order bench/RESULTS.md discusses them. */
final class TableRows {

    private TableRows() {
    }

    /**
     * @param stages  the stages the run ran (a stage's rows appear only when it ran)
     * @param g2cRate the grab-to-credited stage's fixed rate, grabs/s, as its rows name it
     * @param audited whether the money audit recorded its figures
     */
    static List<TableRow> of(Set<String> stages, String g2cRate, boolean audited) {
        List<TableRow> rows = new ArrayList<>();
        if (stages.contains("grab")) {
            rows.addAll(grabThroughput());
            rows.addAll(grabCosts());
            if (stages.contains("settle")) {
                rows.add(plain("WON ceiling with a claim's broker and Postgres floors added, grabs/s", ">= 40,000",
                    "grab", "won_ceiling_ledger_rps"));
            }
            rows.addAll(grabCores());
        }
        if (stages.contains("prepare")) {
            rows.addAll(prepare());
        }
        if (stages.contains("settle")) {
            rows.addAll(settle());
        }
        if (stages.contains("g2c")) {
            rows.addAll(grabToCredited(g2cRate));
        }
        if (audited) {
            rows.addAll(audit());
        }
        rows.addAll(memory());
        return rows;
    }

    private static List<TableRow> grabThroughput() {
        return List.of(
            against("grab WON, grabs/s", ">= 40,000", "grab", "won_rps", "health_rps", RATE),
            against("grab WON p99, ms", "<= 20", "grab", "won_p99_ms", "health_p99_ms", TIMES),
            against("grab WON vs /health/live", ">= 70 %", "grab", "won_rps", "health_rps", RATE),
            against("grab WON vs Redis EVALSHA of grab.lua", "-", "grab", "won_rps", "floor_evalsha_grab_rps", RATE),
            plain("grab WON, share of answers that were WON", "1", "grab", "won_share"),
            against("grab after sell-out (409 ENDED), grabs/s", ">= 40,000", "grab", "soldout_rps", "health_rps",
                RATE),
            against("grab after sell-out p99, ms", "<= 20", "grab", "soldout_p99_ms", "health_p99_ms", TIMES),
            plain("/health/live, req/s (floor)", "-", "grab", "health_rps"),
            plain("wire floor: health's answer from a server that does nothing, req/s", "-", "grab",
                "wire_health_rps"),
            against("wire floor: a tap's request and 409 from that server, vs its health", "-", "grab",
                "wire_tap_rps", "wire_health_rps", RATE),
            against("grab after sell-out vs the wire floor's tap", "-", "grab", "soldout_rps", "wire_tap_rps", RATE),
            against("API CPU per WON grab, ms", "-", "grab", "won_api_cpu_ms", "health_api_cpu_ms", TIMES),
            against("API CPU per grab after sell-out, ms", "-", "grab", "soldout_api_cpu_ms", "health_api_cpu_ms",
                TIMES),
            against("Redis EVALSHA grab.lua, calls/s (floor)", "-", "grab", "floor_evalsha_grab_rps",
                "floor_lpop_rps", RATE),
            plain("Redis EVALSHA rate-limit.lua, calls/s (floor)", "-", "grab", "floor_evalsha_ratelimit_rps"),
            plain("Redis LPOP, calls/s (floor)", "-", "grab", "floor_lpop_rps"));
    }

    private static List<TableRow> grabCosts() {
        return List.of(
            plain("API and wrk CPU per /health/live request, us (floor)", "-", "grab", "health_http_cpu_us"),
            against("API and wrk CPU per WON grab, us", "-", "grab", "won_http_cpu_us", "health_http_cpu_us", TIMES),
            against("API and wrk CPU per grab after sell-out, us", "-", "grab", "soldout_http_cpu_us",
                "health_http_cpu_us", TIMES),
            plain("wire floor and wrk CPU per health answer, us", "-", "grab", "wire_health_http_cpu_us"),
            against("wire floor and wrk CPU per tap, us", "-", "grab", "wire_tap_http_cpu_us",
                "wire_health_http_cpu_us", TIMES),
            plain("Redis CPU per grab.lua call, 16 to a write, us (floor)", "-", "grab", "floor_grab_redis_cpu_us"),
            plain("Redis EVALSHA grab.lua 16 to a write, calls/s (floor)", "-", "grab", "floor_evalsha_grab_p16_rps"),
            plain("WON ceiling: cores / (health's API+wrk CPU + grab.lua's Redis CPU), grabs/s", ">= 40,000", "grab",
                "won_ceiling_rps"),
            against("grab WON vs that ceiling", "-", "grab", "won_rps", "won_ceiling_rps", RATE));
    }

    private static List<TableRow> grabCores() {
        return List.of(
            plain("cores used during WON: API", "-", "grab", "won_cpu_api"),
            plain("cores used during WON: Redis", "-", "grab", "won_cpu_redis"),
            plain("cores used during WON: Kafka broker", "-", "grab", "won_cpu_kafka"),
            plain("cores used during WON: settlement consumer", "-", "grab", "won_cpu_consumer"),
            plain("cores used during WON: Postgres", "-", "grab", "won_cpu_postgres"),
            plain("cores used during WON: wrk", "-", "grab", "won_cpu_wrk"),
            plain("cores busy during WON: whole machine (all agents)", "of 2", "grab", "won_cpu_machine_busy"));
    }

    private static List<TableRow> prepare() {
        return List.of(
            against("prepare 1,000,000 packets, s", "<= 1", "prepare", "prepare_s", "floor_s", TIME),
            plain("prepare floor: split+shuffle (1 thread), s", "-", "prepare", "floor_split_shuffle_s"),
            plain("prepare floor: pipelined RPUSH, s", "-", "prepare", "floor_rpush_s"));
    }

    private static List<TableRow> settle() {
        return List.of(
            against("settlement by one consumer of one poll loop (RAIN_SETTLEMENT_LOOPS=1), credits/s", "-", "settle",
                "loop1_credits_per_s", "loop1_floor_rows_per_s", RATE),
            against("Postgres CPU per credit settled by one loop, us", "-", "settle", "loop1_pg_cpu_us",
                "loop1_floor_pg_cpu_us", TIMES),
            plain("that consumer's CPU per credit, us", "-", "settle", "loop1_consumer_cpu_us"),
            plain("cores busy while one loop settled: whole machine", "of 2", "settle", "loop1_machine_busy"),
            against("settlement (one consumer as it ships: RAIN_SETTLEMENT_LOOPS default), credits/s", ">= 50,000",
                "settle", "credits_per_s", "floor_rows_per_s", RATE),
            against("settlement vs plain batched insert", ">= 50 %", "settle", "credits_per_s", "floor_rows_per_s",
                RATE),
            plain("Postgres CPU per row of the plain batched insert, us (floor)", "-", "settle", "floor_pg_cpu_us"),
            against("Postgres CPU per credit settled, us", "-", "settle", "pg_cpu_us", "floor_pg_cpu_us", TIMES),
            plain("settlement consumer CPU per credit, us", "-", "settle", "consumer_cpu_us"),
            plain("cores busy during settlement: whole machine (all agents)", "of 2", "settle", "machine_busy"),
            against("settlement by a group of consumers (replicas), credits/s", "-", "settle", "group_credits_per_s",
                "group_floor_rows_per_s", RATE),
            plain("consumers in that group (BENCH_SETTLE_GROUP)", "-", "settle", "group_consumers"),
            against("Postgres CPU per credit settled by the group, us", "-", "settle", "group_pg_cpu_us",
                "group_floor_pg_cpu_us", TIMES),
            plain("the group's consumers' CPU per credit (all of them), us", "-", "settle", "group_consumer_cpu_us"),
            plain("cores busy during the group's settlement: whole machine", "of 2", "settle", "group_machine_busy"),
            plain("Kafka broker CPU per claim produced, us (floor)", "-", "settle", "floor_kafka_cpu_us"));
    }

    private static List<TableRow> grabToCredited(String rate) {
        return List.of(
            plain("grab to credited p99 at " + rate + "/s, ms", "<= 1000", "g2c", "credit_p99_ms"),
            plain("grab to credited p50, ms", "-", "g2c", "credit_p50_ms"),
            plain("grab to credited: achieved grab rate, /s", rate, "g2c", "achieved_rate"),
            plain("grab p99 at " + rate + "/s (wrk, from send), ms", "<= 20", "g2c", "grab_p99_ms"),
            plain("grab to credited: p99 lateness of sends against the schedule, ms", "-", "g2c", "sched_lag_p99_ms"),
            plain("grab to credited: WON answers not seen in the ledger's records within 60 s", "0", "g2c",
                "missing"));
    }

    private static List<TableRow> audit() {
        return List.of(
            plain("money audit after the stages: rains the API served, closed and reconciled", "-", "audit",
                "rains_audited"),
            plain("money audit: of those, not FINISHED balanced with nothing in flight", "0", "audit",
                "rains_unbalanced"),
            plain("money audit: all balances minus all deposits, minor units", "0", "audit", "money_created"),
            plain("money audit: accounts whose balance is not their journal's sum", "0", "audit",
                "accounts_off_journal"),
            plain("money audit: viewers holding more of a rain than its maxGrabsPerUser", "0", "audit", "over_limit"),
            plain("after the audit: Redis keys the finished rains left behind", "0", "audit", "redis_keys_left"));
    }

    private static List<TableRow> memory() {
        return List.of(
            plain("API heap peak under grab load, MiB", "<= 512", "memory", "api_heap_peak_mib"),
            plain("API heap left after a GC under grab load (most of any GC), MiB", "-", "memory",
                "api_heap_after_gc_mib"),
            plain("API GC time during the grab stage, s", "-", "memory", "api_gc_s"),
            plain("consumer heap peak under settlement, MiB", "<= 256", "memory", "consumer_heap_peak_mib"),
            plain("consumer heap left after a GC under settlement (most of any GC), MiB", "-", "memory",
                "consumer_heap_after_gc_mib"));
    }
}
