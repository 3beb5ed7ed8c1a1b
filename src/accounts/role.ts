import { registerEnumType } from 'type-graphql';

export enum Role {
  ADMIN = 'ADMIN',
  PROVIDER = 'PROVIDER',
  CUSTOMER = 'CUSTOMER',
}
registerEnumType(Role, { name: 'Role' });
