import { InitialSchema1764000000000 } from './1764000000000-initial-schema.js';
import { Identity1764050000000 } from './1764050000000-identity.js';
import { Geography1764100000000 } from './1764100000000-geography.js';
import { AuditLog1764200000000 } from './1764200000000-audit-log.js';
import { Ingestion1764300000000 } from './1764300000000-ingestion.js';
import { Signals1764400000000 } from './1764400000000-signals.js';
import { Cubes1764500000000 } from './1764500000000-cubes.js';

/** Every migration, oldest first. A new migration is added here and nowhere else. */
export const MIGRATIONS = [
  InitialSchema1764000000000,
  Identity1764050000000,
  Geography1764100000000,
  AuditLog1764200000000,
  Ingestion1764300000000,
  Signals1764400000000,
  Cubes1764500000000,
];
