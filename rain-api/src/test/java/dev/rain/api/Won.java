package dev.rain.api;

/** One packet as a viewer heard it answered WON, or as the ledger credited it: compared with equals. */
record Won(String userId, long amount) {
}
