"""Alerting services: evaluate readings, sweep for missing data, backtest and score rules."""
