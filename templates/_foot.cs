</main>
<footer class="foot"><?cs var:Site.Name ?></footer>
</body>
</html>
