import type { GraphQLResolveInfo, SelectionSetNode } from 'graphql';

/**
 * Whether the field being resolved selects none but `fields` of its value (through aliases, inline
 * fragments and named fragments, which validation keeps free of cycles; a field under @skip or @include
 * counts as selected). What those fields select in turn is not looked at.
 */
export function selectsOnly(info: GraphQLResolveInfo, fields: ReadonlySet<string>): boolean {
  const within = (set: SelectionSetNode | undefined): boolean =>
    (set?.selections ?? []).every((selection) => {
      if (selection.kind === 'Field') return fields.has(selection.name.value);
      if (selection.kind === 'InlineFragment') return within(selection.selectionSet);
      const fragment = info.fragments[selection.name.value];
      return fragment !== undefined && within(fragment.selectionSet);
    });
  return info.fieldNodes.every((node) => within(node.selectionSet));
}
