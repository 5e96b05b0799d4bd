#!/usr/bin/env -S npx tsx
import { createApp } from '../lib/app.ts';

// Stage from context: `cdk synth -c stage=prod`. The CLI synthesizes the app when this script ends.
createApp();
