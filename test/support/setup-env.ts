// Tests build their configuration explicitly (test/support); nothing here may leak into src/.
process.env.TZ = 'UTC';
