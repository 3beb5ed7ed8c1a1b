import { isEnumType, isInputObjectType, isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';
import { buildGraphQLSchema } from '../src/server/schema';

/** Every schema coordinate (type, field, argument, input field, enum value) that has no description. */
function undescribed(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  const check = (coordinate: string, description: string | null | undefined) => {
    if (!description?.trim()) missing.push(coordinate);
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    check(type.name, type.description);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        check(`${type.name}.${field.name}`, field.description);
        for (const arg of field.args) check(`${type.name}.${field.name}(${arg.name}:)`, arg.description);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) check(`${type.name}.${field.name}`, field.description);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) check(`${type.name}.${value.name}`, value.description);
    }
  }
  return missing;
}

describe('the served schema', () => {
  it('describes every type, field, argument and enum value for integrators', () => {
    expect(undescribed(buildGraphQLSchema())).toEqual([]);
  });

  it('lists arguments in the order they are declared (logIn(email, password) as in the contract)', () => {
    const logIn = buildGraphQLSchema().getMutationType()!.getFields().logIn;
    expect(logIn.args.map((arg) => arg.name)).toEqual(['email', 'password']);
  });
});
