export {
  DEFAULT_TABLE, applyRecipe, applyRecipeAsync, defineRecipe, removeRecipe, removeRecipeAsync, recipeTag, type Recipe, type RecipePlan, type RecipeTable,
} from './apply.js';
export * from './isolation.js';
export * from './masquerade.js';
export * from './port-forward.js';
