import { defineRoute } from '../core/http/route.ts';
import { pageOf } from '../core/http/schemas.ts';
import { account, accountParams, createAccountBody, listAccountsQuery, updateAccountBody } from './accounts.schemas.ts';

const area = 'accounts';
const tags = ['Accounts'];

export const accountRoutes = [
  defineRoute({
    operationId: 'listAccounts',
    method: 'GET',
    path: '/v1/accounts',
    area,
    tags,
    summary: 'List accounts (account_admin sees its own)',
    auth: 'staff',
    roles: ['super_admin', 'account_admin'],
    query: listAccountsQuery,
    response: pageOf(account),
  }),
  defineRoute({
    operationId: 'createAccount',
    method: 'POST',
    path: '/v1/accounts',
    area,
    tags,
    summary: 'Create a clinic account',
    auth: 'staff',
    roles: ['super_admin'],
    body: createAccountBody,
    response: account,
    successStatus: 201,
  }),
  defineRoute({
    operationId: 'getAccount',
    method: 'GET',
    path: '/v1/accounts/{accountId}',
    area,
    tags,
    summary: 'Get an account',
    auth: 'staff',
    roles: ['super_admin', 'account_admin'],
    params: accountParams,
    response: account,
  }),
  defineRoute({
    operationId: 'updateAccount',
    method: 'PATCH',
    path: '/v1/accounts/{accountId}',
    area,
    tags,
    summary: 'Update an account; account_admin may change only name and settings; status suspended locks its users out',
    auth: 'staff',
    roles: ['super_admin', 'account_admin'],
    params: accountParams,
    body: updateAccountBody,
    response: account,
  }),
];
