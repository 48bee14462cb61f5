// The engine version every response carries (`engine`), so a client can tell a version skew.
import pkg from '../../package.json' with { type: 'json' };

export const ENGINE_VERSION: string = pkg.version;
