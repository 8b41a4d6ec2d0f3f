document.getElementById('app')!.textContent = 'popup';
