// Every test sees UTC, like the service in production (times are UTC by contract).
process.env.TZ = 'UTC';
