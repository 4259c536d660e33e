-- Equal shares have no luckiest one: EQUAL rains name no best-luck winner (the settlement consumer no
-- longer records one). Clears what earlier versions recorded.
UPDATE rains SET best_luck_user = NULL, best_luck_amount = NULL, best_luck_packet = NULL, best_luck_at = NULL
WHERE mode = 'EQUAL' AND best_luck_user IS NOT NULL;
