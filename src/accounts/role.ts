import { registerEnumType } from 'type-graphql';

export enum Role {
  ADMIN = 'ADMIN',
  PROVIDER = 'PROVIDER',
  CUSTOMER = 'CUSTOMER',
}
registerEnumType(Role, {
  name: 'Role',
  description: 'What an account may do.',
  valuesConfig: {
    ADMIN: {
      description:
        'Manages every service, booking and account; made from ADMIN_EMAIL/ADMIN_PASSWORD at start, never by signUp.',
    },
    PROVIDER: { description: 'Offers services and manages their schedules, slots, blackouts and bookings.' },
    CUSTOMER: { description: 'Books slots, proposes times, joins waitlists.' },
  },
});
