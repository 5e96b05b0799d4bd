/**
 * The cold-start reference of `npm run bench`: a Lambda entry that imports only the design card's stack (middy,
 * kysely + kysely-data-api, the RDS Data client, aws-jwt-verify) and does nothing. It is bundled with the house
 * esbuild options like every real entry; the imports are re-exported so that the bundler keeps them (a real
 * handler uses them, so their module evaluation is part of its cold start too).
 */
import middy from '@middy/core';
import { Kysely } from 'kysely';
import { DataApiDialect } from 'kysely-data-api';
import { RDSData } from '@aws-sdk/client-rds-data';
import { CognitoJwtVerifier, JwtRsaVerifier } from 'aws-jwt-verify';

export const stack = { Kysely, DataApiDialect, RDSData, CognitoJwtVerifier, JwtRsaVerifier };

export const handler = middy().handler(async () => ({ statusCode: 204, body: '' }));
