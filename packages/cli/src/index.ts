#!/usr/bin/env node
process.stdout.write('rekey 0.1.0\n');
