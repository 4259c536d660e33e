package dev.rain.api.rain;

import dev.rain.common.ledger.RainListSql;
import java.util.List;

/** One page of a list of rains, and where the next one starts (null: this was the last). */
public record RainPage(List<RainDetail> rains, RainListSql.ListPosition next) {
}
