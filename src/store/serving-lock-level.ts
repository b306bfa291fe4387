// Imported with import() by embedded-dynamodb.ts, so a process using a real table never loads
// native LevelDB. A static import here (not an import() of the package there) lets the compiled
// CLI load the package with require(), which Node does faster than an import of CommonJS.
export { ClassicLevel } from 'classic-level';
