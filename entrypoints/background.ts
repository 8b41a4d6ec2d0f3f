export default defineBackground(() => {
  console.log('Rapport background started');
});
