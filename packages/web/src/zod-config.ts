import { z } from 'zod';

// Zod probes for eval (new Function) when it builds a schema, to compile validators, which the
// app's CSP forbids: each probe is a reported violation. Interpreted validation is fast enough in
// a client. Imported first by main.tsx, before any module that builds schemas (the protocol).
z.config({ jitless: true });
